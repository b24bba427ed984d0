//! Writes phone-like photos for the image benchmark (benches/photos.py):
//! `count` JPEGs of `width`×`height` pixels as a phone stores them —
//! a noisy outdoor scene (sky, buildings, ground) at quality 92, with an
//! EXIF block carrying orientation 6 (held upright) and a GPS position.
//!
//!     cargo run --release --example phone_photos -- OUT_DIR COUNT [WIDTH HEIGHT]

use std::io::Cursor;

fn hash(x: u32, y: u32, s: u32) -> u32 {
    let mut h =
        x.wrapping_mul(374_761_393) ^ y.wrapping_mul(668_265_263) ^ s.wrapping_mul(2_246_822_519);
    h = (h ^ (h >> 13)).wrapping_mul(1_274_126_177);
    h ^ (h >> 16)
}

fn scene(w: u32, h: u32, seed: u32) -> image::RgbImage {
    let horizon = h * (40 + seed % 20) / 100;
    image::RgbImage::from_fn(w, h, |x, y| {
        let n = (hash(x / 2, y / 2, seed) % 24) as i32 - 12;
        let mut c = if y < horizon {
            let t = (y * 90 / horizon) as i32;
            [110 + t, 160 + t / 2, 225 - t / 3]
        } else {
            let t = ((y - horizon) * 60 / (h - horizon)) as i32;
            [95 + t, 110 + t, 80 + t / 2]
        };
        for i in 0..9 {
            let (x0, bw, bh) = (
                hash(i, 1, seed) % w,
                w / 12 + hash(i, 2, seed) % (w / 6),
                h / 6 + hash(i, 3, seed) % (h / 3),
            );
            if x >= x0 && x < x0 + bw && y < horizon + h / 40 && y + bh > horizon {
                c = [
                    150 + (hash(i, 4, seed) % 80) as i32,
                    140 + (hash(i, 5, seed) % 70) as i32,
                    130,
                ];
            }
        }
        image::Rgb(c.map(|v| (v + n).clamp(0, 255) as u8))
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = std::path::PathBuf::from(args.get(1).ok_or("usage: OUT_DIR COUNT [W H]")?);
    let count: u32 = args.get(2).ok_or("COUNT")?.parse()?;
    let w: u32 = args.get(3).map_or(Ok(4000), |s| s.parse())?;
    let h: u32 = args.get(4).map_or(Ok(3000), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    for i in 0..count {
        let mut jpeg = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), 92);
        image::DynamicImage::ImageRgb8(scene(w, h, i)).write_with_encoder(enc)?;
        let file = anxuan::images::exif::as_phone_photo(&jpeg, 6);
        std::fs::write(out.join(format!("IMG_{:04}.jpg", i + 1)), file)?;
    }
    Ok(())
}

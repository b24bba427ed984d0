#!/usr/bin/env node
// What other index layouts would cost without Range (issue 19), measured
// from the reads the engine really makes. Runs every query of queries.json
// (plus the common words of benches/search_bytes.js) against a format-3
// index with a Range-honouring loader, records each read (document slot,
// body chunk k of document id, long postings list of bucket b), then prices
// the same reads under other layouts as a host that ignores Range would
// serve them: each file costs its prefix up to the last byte read from it.
//
//   node benches/search_layout.js <public-dir> <queries.json>
//
// Layouts priced: documents per pack (32, 16, 8, 4); the text region
// document-major (as format 3) or chunk-major (chunk 1 of every document
// of the pack, then chunk 2, ...); text as UTF-8, GB18030 or UTF-16LE;
// long postings of 8, 4, 2 or 1 buckets per file, in bucket order or
// shortest first. Keys: "8chunku16" = 8 docs per pack, chunk-major,
// UTF-16; "t2orig" = 2 buckets' long lists per file in bucket order.
// Reported in BENCHMARKS.md ("Hosts that ignore Range").
'use strict';
const fs=require('fs'),path=require('path');
const S=require('/work/main/themes/default/static/js/search-core.js');
const pub=process.argv[2], qfile=process.argv[3];
const base=path.join(pub,'search');
const m=JSON.parse(fs.readFileSync(path.join(base,'manifest.json')));
const per=m.docsPerPack;
// docs
const docs=[];
for(let p=0;p*per<m.docs;p++){const buf=fs.readFileSync(path.join(base,'d',p+'.txt'));const slot=m.slots[p];const cnt=Math.min(per,m.docs-p*per);
 for(let i=0;i<cnt;i++){const d=JSON.parse(buf.subarray(i*slot,(i+1)*slot).toString());const t0=cnt*slot;
  const chunks=[];for(let k=1;k<=d.n;k++){const s=buf.subarray(t0+d.o[k-1],t0+d.o[k]).toString();chunks.push({u8:d.o[k]-d.o[k-1],gb:[...s].reduce((a,c)=>a+(c.codePointAt(0)<128?1:c.codePointAt(0)>0xffff?4:2),0),u16:[...s].reduce((a,c)=>a+(c.codePointAt(0)>0xffff?4:2),0)});}
  docs.push({slot:Buffer.byteLength(JSON.stringify(d)),chunks});}}
// t entries
const tEntries={};
for(let b=0;b<m.buckets;b++){const r=new Uint8Array(fs.readFileSync(path.join(base,'b',b+'.bin')));let i=0;const v=()=>{let x=0,mul=1,by;do{by=r[i++];x+=(by&127)*mul;mul*=128}while(by&128);return x};
 const n=v();for(let e=0;e<n;e++){const l=v();i+=l;v();const ext=v();if(ext===0){const s=v();i+=s}else{const off=v(),size=v();const tp=Math.floor(b/m.bucketsPerPack);(tEntries[tp]=tEntries[tp]||[]).push({off,size,b})}}}
const byKey={};for(const tp in tEntries)for(const e of tEntries[tp])byKey[tp+'#'+e.off]=e;
const G=[8,4,2,1];const gEnd={};for(const g of G)for(const ord of ['orig','asc']){const groups={};for(const tp in tEntries)for(const e of tEntries[tp]){const k=Math.floor(e.b/g);(groups[k]=groups[k]||[]).push(e)}for(const k in groups){const es=groups[k].slice().sort(ord==='asc'?((a,b)=>a.size-b.size||a.b-b.b||a.off-b.off):((a,b)=>a.b-b.b||a.off-b.off));let c=0;for(const e of es){c+=e.size;gEnd[g+ord+'#'+e.b+'#'+e.off]=[k,c]}}}
const sortedEnd={};for(const tp in tEntries){const es=tEntries[tp].slice().sort((a,b)=>a.size-b.size||a.off-b.off);let c=0;for(const e of es){c+=e.size;sortedEnd[tp+'#'+e.off]=c}}
const queries=Object.keys(JSON.parse(fs.readFileSync(qfile)));
for(const q of ['安全','消防','演练','应急','燃气','隐患排查','安全生产','消防安全','疏散','12350','安全 消防','燃气 隐患排查','演练 学校'])if(!queries.includes(q))queries.push(q);
const D=[32,16,8,4];
(async()=>{const rows=[];
for(const q of queries){const reads=[];let whole=0;
 const load=(rel,type,start,end)=>fs.promises.readFile(path.join(base,rel)).then(buf=>{
  if(type==='range'){reads.push({rel,start,end});return {bytes:new Uint8Array(buf.subarray(start,end)),offset:start,whole:false};}
  whole+=buf.length;if(type==='bin')return buf.buffer.slice(buf.byteOffset,buf.byteOffset+buf.length);const t=buf.toString();return type==='json'?JSON.parse(t):t;});
 const e=new S.Engine('',load);await e.search(q,{},{limit:10});
 // classify
 const tcur={},tsort={},need=[],tg={};let rangeBytes=0;
 for(const r of reads){rangeBytes+=r.end-r.start;const [dir,f]=r.rel.split('/');const fp=parseInt(f);
  if(dir==='t'){const ent=byKey[fp+'#'+r.start];for(const g of G)for(const ord of ['orig','asc']){const [k,c]=gEnd[g+ord+'#'+ent.b+'#'+ent.off];const key='t'+g+ord;tg[key]=tg[key]||{};tg[key][k]=Math.max(tg[key][k]||0,c)}tcur[fp]=Math.max(tcur[fp]||0,r.end);tsort[fp]=Math.max(tsort[fp]||0,sortedEnd[fp+'#'+r.start]);}
  else{const cnt=Math.min(per,m.docs-fp*per),slot=m.slots[fp];if(r.end<=cnt*slot){need.push({id:fp*per+Math.floor(r.start/slot),k:0})}else{const t0=cnt*slot;
    // find doc & chunk

    need.push({fp,off:r.start-t0});}}}
 // resolve text reads to (id,k)
 for(const n of need)if(n.fp!==undefined){const cnt=Math.min(per,m.docs-n.fp*per);let acc=0;
   outer:for(let i=0;i<cnt;i++){const d=docs[n.fp*per+i];for(let k=0;k<d.chunks.length;k++){if(acc===n.off){n.id=n.fp*per+i;n.k=k+1;break outer}acc+=d.chunks[k].u8}}}
 const tc=Object.values(tcur).reduce((a,b)=>a+b,0),ts=Object.values(tsort).reduce((a,b)=>a+b,0);
 const res={q,whole,range:whole+rangeBytes,tc,ts};for(const g of G)for(const ord of ['orig','asc']){const key='t'+g+ord;res[key]=Object.values(tg[key]||{}).reduce((a,b)=>a+b,0)}
 for(const Dp of D)for(const lay of ['doc','chunk'])for(const enc of ['u8','gb','u16']){
  const files={};
  for(const n of need){const p=Math.floor(n.id/Dp);const ids=[];for(let j=p*Dp;j<Math.min(docs.length,(p+1)*Dp);j++)ids.push(j);
   const slot=Math.max(...ids.map(j=>docs[j].slot));let end;
   if(n.k===0)end=(n.id-p*Dp+1)*slot;else{let acc=ids.length*slot;
    if(lay==='doc'){for(const j of ids){if(j===n.id){for(let k=0;k<n.k;k++)acc+=docs[j].chunks[k][enc];break}acc+=docs[j].chunks.reduce((a,c)=>a+c[enc],0)}}
    else{outer2:for(let k=1;k<=30;k++)for(const j of ids){if(docs[j].chunks.length>=k)acc+=docs[j].chunks[k-1][enc];if(j===n.id&&k===n.k)break outer2}}
    end=acc;}
   files[p]=Math.max(files[p]||0,end);}
  res[Dp+lay+enc]=Object.values(files).reduce((a,b)=>a+b,0);}
 rows.push(res);}
const keys=Object.keys(rows[0]).filter(k=>k!=='q');
const med=a=>{a=a.slice().sort((x,y)=>x-y);return a[Math.floor(a.length/2)]};
for(const k of keys){const a=rows.map(r=>r[k]);console.log(k.padEnd(12),'median',(med(a)/1024).toFixed(1),'max',(Math.max(...a)/1024).toFixed(1));}
for(const g of G)for(const ord of ['orig','asc'])for(const k of ['8chunkgb','8chunku16','8chunku8']){const a=rows.map(r=>r.whole+r['t'+g+ord]+r[k]);console.log('T',g,ord,k,'median',(med(a)/1024).toFixed(1),'max',(Math.max(...a)/1024).toFixed(1),'over150',a.filter(x=>x>150*1024).length)}
// total per model: whole+ts+d
for(const Dp of D)for(const lay of ['doc','chunk'])for(const enc of ['u8','gb','u16']){const k=Dp+lay+enc;const a=rows.map(r=>r.whole+r.ts+r[k]);const b=rows.map(r=>r.whole+r.tc+r[k]);console.log('TOTAL',k.padEnd(10),'tsorted median',(med(a)/1024).toFixed(1),'max',(Math.max(...a)/1024).toFixed(1),'over150',a.filter(x=>x>150*1024).length,'| tcur max',(Math.max(...b)/1024).toFixed(1));}
})();

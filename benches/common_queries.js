// Everyday words of the campaign, common across any corpus (the heavy end
// of a search: their postings are long), one and two at a time. Both
// search benches add them to the generator's queries.json.
'use strict';
module.exports = {
  common: ['安全', '消防', '演练', '应急', '燃气', '隐患排查', '安全生产', '消防安全', '疏散', '12350'],
  commonAnd: ['安全 消防', '燃气 隐患排查', '演练 学校'],
};

'use strict';
// Prints, as JSON, every Unicode scalar value that String.prototype.trim
// removes, for jsstring's tests.
const trimmed = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const c = String.fromCodePoint(cp);
  if ((c + 'a' + c).trim() === 'a') trimmed.push(cp);
}
process.stdout.write(JSON.stringify({ unicode: process.versions.unicode, trimmed }) + '\n');

'use strict';
// Prints, one per line, String.prototype.toLowerCase of every Unicode scalar
// value (all code points but the surrogates and "\n") alone and in the
// contexts of the Final_Sigma rule, for jsstring's tests:
//
//   line 1:              {"unicode": process.versions.unicode, "node": process.version}
//   then for each context C in CONTEXTS, for each code point X ascending:
//                        toLowerCase(C with X in place of "X")
//
// "\n" separates the segments and is neither cased nor case-ignorable, so
// each segment is lower-cased as if alone; whole blocks are lower-cased at once
// for speed.
const CONTEXTS = ['X', 'XΣ', 'ΑXΣ', 'ΑΣX', 'ΑΣXΒ'];

function* scalars() {
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp === 0x0a || (cp >= 0xd800 && cp <= 0xdfff)) continue;
    yield String.fromCodePoint(cp);
  }
}

const out = [];
let size = 0;
function emit(s) {
  out.push(s);
  size += s.length;
  if (size > 1 << 20) flush();
}
function flush() {
  if (out.length) process.stdout.write(out.join(''));
  out.length = 0;
  size = 0;
}

emit(JSON.stringify({ unicode: process.versions.unicode, node: process.version }) + '\n');
for (const ctx of CONTEXTS) {
  let block = [];
  for (const x of scalars()) {
    block.push(ctx.split('X').join(x));
    if (block.length === 4096) {
      emit(block.join('\n').toLowerCase() + '\n');
      block = [];
    }
  }
  if (block.length) emit(block.join('\n').toLowerCase() + '\n');
}
flush();

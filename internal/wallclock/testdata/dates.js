'use strict';
// Reads {"walls": [[y, mo, d, h, mi, s, ms], …], "instants": [ms, …]} on
// stdin and prints what JavaScript's Date makes of them in the process's
// time zone (TZ): {"walls": [epoch ms of new Date(y, mo-1, d, h, mi, s, ms), …],
// "instants": [[y, mo, d, h, mi, s, ms] that new Date(ms) shows, …]}, as
// node-postgres reads and writes timestamp without time zone columns.
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const walls = input.walls.map(([y, mo, d, h, mi, s, ms]) => new Date(y, mo - 1, d, h, mi, s, ms).getTime());
  const instants = input.instants.map((ms) => {
    const t = new Date(ms);
    return [t.getFullYear(), t.getMonth() + 1, t.getDate(), t.getHours(), t.getMinutes(), t.getSeconds(), t.getMilliseconds()];
  });
  process.stdout.write(JSON.stringify({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone, walls, instants }) + '\n');
});

// node node-run.mjs BUNDLE EXPORT WORKDIR ARGS...: runs a YoWASP command
// with WORKDIR's files as its root and writes the files it leaves back.
import fs from 'node:fs';
import path from 'node:path';
const [bundle, name, workdir, ...args] = process.argv.slice(2);
const mod = await import(path.resolve(bundle));
const files = {};
for (const f of fs.readdirSync(workdir))
  if (fs.statSync(path.join(workdir, f)).isFile()) files[f] = fs.readFileSync(path.join(workdir, f));
const out = await mod[name](args, files, { decodeASCII: false });
for (const [f, data] of Object.entries(out))
  if (typeof data !== 'object' || data instanceof Uint8Array) fs.writeFileSync(path.join(workdir, f), data);

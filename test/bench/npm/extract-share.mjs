// node extract-share.mjs RESOURCES_JS OUTDIR: writes the package's resource
// filesystem (what node's runtime mounts at the guest's root) to OUTDIR.
import fs from 'node:fs';
import path from 'node:path';
const [resources, outdir] = process.argv.slice(2);
const mod = await import(path.resolve(resources));
async function write(tree, dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const target = path.join(dir, name);
    if (typeof value === 'string') fs.writeFileSync(target, value);
    else if (value instanceof URL) fs.copyFileSync(value, target);
    else if (value instanceof Uint8Array) fs.writeFileSync(target, value);
    else if (value && typeof value.then === 'function') fs.writeFileSync(target, await value);
    else await write(value, target);
  }
}
await write(mod.filesystem, outdir);

// Nx local generator: `npx nx g @tickgate/tools:adapter <venue>`. Plain CommonJS so that Nx loads it
// without a TypeScript loader. Templates live in ./files (EJS; the `__tmpl__` suffix is dropped from file names).
'use strict';

const path = require('node:path');
const { formatFiles, generateFiles, installPackagesTask, names, updateJson } = require('@nx/devkit');

const VENUE_ID = /^[a-z][a-z0-9_-]{0,31}$/;

/** Names derived from the venue id, for file contents. */
function venueNames(venue, displayName) {
  const n = names(venue);
  return {
    venue,
    packageDir: `adapter-${venue}`,
    packageName: `@tickgate/adapter-${venue}`,
    // `okx` → `okx`, `crypto-com` → `cryptoCom`: the adapter object and the stream/rest constants.
    camel: n.propertyName,
    // `CryptoCom`: prefix of the venue's raw message types.
    pascal: n.className,
    // `CRYPTO_COM`: prefix of constants.
    constant: n.constantName,
    displayName: displayName || n.className,
  };
}

/**
 * Scaffold `packages/adapter-<venue>`. Throws for an invalid venue id or an existing package.
 * @param {import('@nx/devkit').Tree} tree
 * @param {{ venue: string, displayName?: string }} options
 */
async function adapterGenerator(tree, options) {
  const venue = String(options.venue || '').trim();
  if (!VENUE_ID.test(venue)) {
    throw new Error(`"${venue}" is not a venue id: use lowercase letters, digits, "-" or "_", starting with a letter (it becomes the NATS subject token md.trade.<venue>.…)`);
  }
  const v = venueNames(venue, options.displayName);
  const root = `packages/${v.packageDir}`;
  if (tree.exists(root) && tree.children(root).length > 0) {
    throw new Error(`${root} already exists: pick another venue id or delete the folder first`);
  }
  generateFiles(tree, path.join(__dirname, 'files'), root, { ...v, tmpl: '' });

  // TypeScript project references at the root (`nx sync` keeps the per-package ones).
  if (tree.exists('tsconfig.json')) {
    updateJson(tree, 'tsconfig.json', (json) => {
      const refs = Array.isArray(json.references) ? json.references : [];
      if (!refs.some((r) => r && r.path === `./${root}`)) refs.push({ path: `./${root}` });
      json.references = refs;
      return json;
    });
  }
  await formatFiles(tree);
  return () => {
    // Links the new workspace package into node_modules and records it in package-lock.json.
    installPackagesTask(tree, true);
    if (!/^[a-z][a-z0-9]*$/.test(venue)) {
      console.warn(`Note: the gateway's feed config takes venue ids of lowercase letters and digits only; "${venue}" needs that rule widened before the gateway can run it.`);
    }
    console.log(
      [
        '',
        `Created ${root}. Next:`,
        '  npx nx sync',
        `  npx nx run-many -t lint typecheck test -p ${v.packageName}   # the conformance test fails until you fill it in`,
        '  then follow docs/adding-a-venue.md',
      ].join('\n'),
    );
  };
}

module.exports = adapterGenerator;
module.exports.default = adapterGenerator;
module.exports.venueNames = venueNames;

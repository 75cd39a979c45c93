/** A file under static/, loaded into memory once. */
export interface StaticAsset {
  body: Uint8Array;
  contentType: string;
  /** Hash of the content, added to asset URLs so that they can be cached for a year. */
  version: string;
}

const staticDir = new URL("../static/", import.meta.url);

const contentTypes: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
};

let loaded: Map<string, StaticAsset> | undefined;

// FNV-1a, 32 bits: a cache-busting tag needs no cryptographic strength, and it runs synchronously.
function hashBytes(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function loadAssets(): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const entry of Deno.readDirSync(staticDir)) {
    const contentType = contentTypes[entry.name.split(".").pop() ?? ""];
    if (!entry.isFile || !contentType) continue;
    const body = Deno.readFileSync(new URL(entry.name, staticDir));
    assets.set(entry.name, { body, contentType, version: hashBytes(body) });
  }
  return assets;
}

/** Returns a static file by name, such as `app.js`, or undefined when there is none. */
export function findStaticAsset(name: string): StaticAsset | undefined {
  loaded ??= loadAssets();
  return loaded.get(name);
}

/**
 * Returns the URL of a static file with its content hash, such as `/static/app.js?v=1a2b3c4d`.
 *
 * @throws {Error} when static/ has no such file.
 */
export function assetPath(name: string): string {
  const asset = findStaticAsset(name);
  if (!asset) throw new Error(`static file ${name} not found: add it to static/`);
  return `/static/${name}?v=${asset.version}`;
}

import { Hono } from "hono";
import { findStaticAsset } from "../lib/static_assets.ts";

/** GET /static/:name: the files of static/, cached for a year because their URLs carry a hash. */
export function staticRoutes() {
  return new Hono().get("/:name", (c) => {
    const name = c.req.param("name");
    const asset = findStaticAsset(name);
    if (!asset) return c.text(`static file ${name} not found`, 404);
    return c.body(asset.body.slice(), 200, {
      "Content-Type": asset.contentType,
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    });
  });
}

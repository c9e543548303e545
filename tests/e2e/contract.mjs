// Every API response the browser receives during the tests, checked against the schema
// `infra/openapi.yaml` declares for that route, status and content type: a response that
// does not match fails the run.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { root } from "./harness.mjs";

const webRequire = createRequire(path.join(root, "web/package.json"));
const Ajv2020 = webRequire("ajv/dist/2020").default;
const YAML = webRequire("yaml");

export class Contract {
  constructor(file = path.join(root, "infra/openapi.yaml")) {
    this.doc = YAML.parse(fs.readFileSync(file, "utf8"));
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    this.routes = Object.entries(this.doc.paths).map(([template, item]) => ({
      template,
      item,
      re: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }));
    this.cache = new Map();
    this.seen = [];
    this.failures = [];
  }

  resolve(obj) {
    let o = obj;
    while (o && o.$ref) o = o.$ref.split("/").slice(1).reduce((a, k) => a[k], this.doc);
    return o;
  }

  /** The schema for this exchange, or undefined when the document declares none. */
  schemaFor(method, pathname, status, contentType) {
    const route = this.routes.find((r) => r.re.test(pathname));
    const op = route?.item[method.toLowerCase()];
    if (!op) return { missing: `no operation for ${method} ${pathname}` };
    const resp = this.resolve(op.responses?.[String(status)]);
    if (!resp) return { missing: `${method} ${route.template} declares no ${status} response` };
    if (!resp.content) return { schema: null, key: `${method} ${route.template} ${status}` };
    const media = resp.content[contentType] ?? resp.content["application/json"];
    if (!media) return { missing: `${method} ${route.template} ${status} declares no ${contentType}` };
    return { schema: media.schema, key: `${method} ${route.template} ${status} ${contentType}` };
  }

  check(method, pathname, status, contentType, body) {
    const found = this.schemaFor(method, pathname, status, contentType);
    this.seen.push(`${method} ${pathname} ${status}`);
    if (found.missing) return this.failures.push(found.missing);
    if (found.schema === null) return;
    let validate = this.cache.get(found.key);
    if (!validate) {
      validate = this.ajv.compile({ ...found.schema, components: this.doc.components });
      this.cache.set(found.key, validate);
    }
    if (!validate(body)) {
      this.failures.push(`${found.key}: ${this.ajv.errorsText(validate.errors, { separator: "; " })}`);
    }
  }

  /** Record the API responses of a page (its own origin, JSON bodies). */
  watch(page, origin) {
    page.on("response", async (r) => {
      const url = new URL(r.url());
      if (url.origin !== origin || url.pathname === "/" || url.pathname.startsWith("/assets/") || url.pathname.startsWith("/_blobs/")) return;
      const type = (r.headers()["content-type"] ?? "").split(";")[0].trim();
      if (r.status() === 404 && url.pathname === "/analysis") return; // probed once: the stateless route may not exist
      if (url.pathname === "/favicon.ico") return;
      let body = null;
      try {
        if (type.endsWith("json")) body = await r.json();
        else if (type === "image/svg+xml" || type.startsWith("text/")) body = await r.text();
      } catch {
        return; // the page navigated away (or cancelled the request) before the body was read
      }
      this.check(r.request().method(), url.pathname, r.status(), type || "application/json", body);
    });
  }
}

/**
 * The static server Berth provides, as the body of a `node` command: it travels inside the slot's
 * template, so it needs nothing installed but Node.js and works whichever way Berth is installed
 * (the desktop app's own files are not runnable by the `node` on PATH). It serves the command's
 * working directory on PORT, with content types by extension, `index.html` for folders, and
 * `index.html` again for a page a browser asks for by a path without an extension (single-page
 * apps route in the browser; a health check, which asks for no HTML, gets 404 there).
 */
export const STATIC_SERVER_SCRIPT = `// Berth's static file server: serves this folder on PORT.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const root = fs.realpathSync(process.cwd());
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2',
  '.ttf': 'font/ttf', '.otf': 'font/otf', '.wasm': 'application/wasm', '.pdf': 'application/pdf',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.webmanifest': 'application/manifest+json',
};
function inside(file) {
  return file === root || file.startsWith(root + path.sep);
}
function find(urlPath) {
  let file = path.resolve(root, '.' + path.posix.normalize('/' + urlPath));
  if (!inside(file)) return null;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    const real = fs.realpathSync(file);
    return inside(real) && fs.statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(req.url, 'http://host').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = find(urlPath);
  if (file === null && path.extname(urlPath) === '' && String(req.headers.accept).includes('text/html')) file = find('/index.html');
  if (file === null) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\\n');
    return;
  }
  const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': fs.statSync(file).size, 'X-Content-Type-Options': 'nosniff' });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('serving ' + root + ' on port ' + process.env.PORT));
`;

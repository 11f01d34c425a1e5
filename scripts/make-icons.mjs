// `npm run icons`: draws Berth's icons into resources/ with nothing but node:zlib (no ImageMagick).
// The glyph is a rounded square with a "B"; the tray icons colour the square by the agent's state.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { root } from './tool-paths.mjs';

const resources = join(root, 'resources');
const appColour = [23, 50, 77];
const trayColours = {
  online: [46, 160, 67],
  offline: [139, 148, 158],
  deploying: [47, 129, 247],
  error: [229, 83, 75],
};

// Signed distance from point (x, y) to a box centred at (cx, cy) with half sizes (hx, hy) and corner radius r.
function roundedBox(x, y, cx, cy, hx, hy, r) {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

// Coordinates are fractions of the icon's side; small icons get thicker strokes to stay legible.
function glyphAt(px, y, stroke) {
  // The bowls stick out to the right, so the glyph sits a little right of the stem to look centred.
  const x = px - 0.015;
  const inStem = x >= 0.3 && x <= 0.3 + stroke && y >= 0.22 && y <= 0.78;
  const bowl = (top, bottom, right) => {
    const half = (bottom - top) / 2;
    const d = roundedBox(x, y, (0.2 + right) / 2, top + half, (right - 0.2) / 2, half, half);
    return x >= 0.36 && d <= 0 && d >= -stroke;
  };
  return inStem || bowl(0.22, 0.22 + 0.295, 0.63) || bowl(0.78 - 0.295, 0.78, 0.67);
}

function pixelColour(x, y, background, stroke) {
  if (roundedBox(x, y, 0.5, 0.5, 0.5, 0.5, 0.22) > 0) return undefined;
  return glyphAt(x, y, stroke) ? [255, 255, 255] : background;
}

// 4x4 supersampling gives anti-aliased edges.
function draw(size, background) {
  const stroke = size <= 32 ? 0.115 : 0.095;
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const colour = pixelColour((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, background, stroke);
          if (!colour) continue;
          sum[0] += colour[0];
          sum[1] += colour[1];
          sum[2] += colour[2];
          sum[3] += 1;
        }
      }
      const offset = (py * size + px) * 4;
      if (sum[3] === 0) continue;
      rgba[offset] = Math.round(sum[0] / sum[3]);
      rgba[offset + 1] = Math.round(sum[1] / sum[3]);
      rgba[offset + 2] = Math.round(sum[2] / sum[3]);
      rgba[offset + 3] = Math.round((255 * sum[3]) / (samples * samples));
    }
  }
  return rgba;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// An ICO is a directory of frames; since Windows Vista a frame may be a whole PNG file.
function ico(frames) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(frames.length, 4);
  let offset = 6 + 16 * frames.length;
  const entries = frames.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...frames.map(({ data }) => data)]);
}

function write(path, data) {
  writeFileSync(join(resources, path), data);
  console.log(`resources/${path} (${data.length} bytes)`);
}

mkdirSync(join(resources, 'tray'), { recursive: true });
// 1024 px serves as the macOS 512 pt @2x icon, which electron-builder turns into .icns itself.
write('icon.png', png(1024, draw(1024, appColour)));
write('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: png(size, draw(size, appColour)) }))));
for (const [state, colour] of Object.entries(trayColours)) {
  // Electron picks the @2x file by itself on high-DPI screens.
  write(`tray/tray-${state}.png`, png(16, draw(16, colour)));
  write(`tray/tray-${state}@2x.png`, png(32, draw(32, colour)));
}

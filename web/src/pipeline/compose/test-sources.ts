/** Test helpers: solid-colour pictures and pixel read-back (used by browser tests only). */
export type Rgb = readonly [number, number, number];

export async function solidBitmap(rgb: Rgb, width = 320, height = 180): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d');
  ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
  ctx.fillRect(0, 0, width, height);
  return createImageBitmap(canvas);
}

/** Reads a frame back as RGBA by drawing it on a 2D canvas. */
export function framePixels(frame: VideoFrame): ImageData {
  const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d');
  ctx.drawImage(frame, 0, 0);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

export function pixelAt(image: ImageData, x: number, y: number): Rgb {
  const i = (Math.round(y) * image.width + Math.round(x)) * 4;
  const d = image.data;
  return [d[i] ?? -1, d[i + 1] ?? -1, d[i + 2] ?? -1];
}

export function near(a: Rgb, b: Rgb, tolerance = 12): boolean {
  return a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= tolerance);
}

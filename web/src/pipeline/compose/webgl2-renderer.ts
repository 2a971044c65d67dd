import type { Drawable, Renderer } from './scene.ts';

const VERTEX = `#version 300 es
in vec2 a_unit;
uniform vec4 u_rect;   // x, y, w, h in clip space
uniform vec4 u_crop;   // u, v, w, h in texture space
out vec2 v_uv;
void main() {
  v_uv = u_crop.xy + a_unit * u_crop.zw;
  gl_Position = vec4(u_rect.xy + a_unit * u_rect.zw, 0.0, 1.0);
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
in vec2 v_uv;
uniform sampler2D u_tex;
uniform float u_opacity;
out vec4 outColor;
void main() {
  outColor = vec4(texture(u_tex, v_uv).rgb, u_opacity);
}`;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const shader = gl.createShader(type);
  if (!shader) throw new Error('createShader failed');
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(shader) ?? ''}`);
  return shader;
}

function link(gl: WebGL2RenderingContext): WebGLProgram {
  const program = gl.createProgram();
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`link: ${gl.getProgramInfoLog(program) ?? ''}`);
  return program;
}

interface SourceTexture { texture: WebGLTexture; uploaded: Drawable | null; width: number; height: number }

function sizeOf(source: Drawable): { width: number; height: number } {
  return 'displayWidth' in source ? { width: source.displayWidth, height: source.displayHeight } : { width: source.width, height: source.height };
}

/** Textured quads, one per layer; a texture per source re-uploaded only when its picture changes. */
export function createWebGl2Renderer(gl: WebGL2RenderingContext): Renderer {
  const program = link(gl);
  const vao = gl.createVertexArray();
  const buffer = gl.createBuffer();
  gl.bindVertexArray(vao);
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
  const unit = gl.getAttribLocation(program, 'a_unit');
  gl.enableVertexAttribArray(unit);
  gl.vertexAttribPointer(unit, 2, gl.FLOAT, false, 0, 0);
  const uRect = gl.getUniformLocation(program, 'u_rect');
  const uCrop = gl.getUniformLocation(program, 'u_crop');
  const uOpacity = gl.getUniformLocation(program, 'u_opacity');
  const textures = new Map<string, SourceTexture>();

  const textureFor = (id: string, source: Drawable): SourceTexture => {
    let entry = textures.get(id);
    if (!entry) {
      const texture = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, texture);
      for (const p of [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T]) gl.texParameteri(gl.TEXTURE_2D, p, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      entry = { texture, uploaded: null, width: 1, height: 1 };
      textures.set(id, entry);
    }
    gl.bindTexture(gl.TEXTURE_2D, entry.texture);
    if (entry.uploaded !== source) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source);
      entry.uploaded = source;
      Object.assign(entry, sizeOf(source));
    }
    return entry;
  };

  return {
    kind: 'webgl2',
    draw(layers, sources) {
      const { width: cw, height: ch } = gl.canvas;
      gl.viewport(0, 0, cw, ch);
      gl.clearColor(0, 0, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.useProgram(program);
      gl.bindVertexArray(vao);
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
      for (const layer of layers) {
        const source = sources.get(layer.sourceId);
        if (!layer.visible || !source) continue;
        const tex = textureFor(layer.sourceId, source);
        const { rect, crop } = layer;
        // Output pixels (y down) → clip space (y up).
        gl.uniform4f(uRect, (rect.x / cw) * 2 - 1, 1 - (rect.y / ch) * 2, (rect.width / cw) * 2, -(rect.height / ch) * 2);
        gl.uniform4f(uCrop, crop.x / tex.width, crop.y / tex.height, crop.width / tex.width, crop.height / tex.height);
        gl.uniform1f(uOpacity, layer.opacity);
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      }
    },
    forget(sourceId) {
      const entry = textures.get(sourceId);
      if (entry) gl.deleteTexture(entry.texture);
      textures.delete(sourceId);
    },
    close() {
      for (const id of [...textures.keys()]) this.forget(id);
      gl.deleteBuffer(buffer);
      gl.deleteVertexArray(vao);
      gl.deleteProgram(program);
    },
  };
}

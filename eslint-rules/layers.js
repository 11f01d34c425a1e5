import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `berth/layers`: which layer may import what (shared/style.md, "Layers, and a machine that guards them").
 * `no-restricted-imports` only sees the import string, so it cannot tell whether `../x` lands inside
 * or outside a layer; this rule resolves relative paths against the importing file first.
 */

const nodeBuiltins = new Set(builtinModules.filter((name) => !name.startsWith('_')));

const layerSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    folder: { type: 'string' },
    layers: { type: 'array', items: { type: 'string' } },
    packages: { type: 'array', items: { type: 'string' } },
    forbiddenPackages: { type: 'array', items: { type: 'string' } },
    nodeBuiltins: { type: 'boolean' },
    rule: { type: 'string' },
  },
  required: ['name', 'folder', 'layers', 'packages', 'nodeBuiltins', 'rule'],
  additionalProperties: false,
};

function toPosix(path) {
  return path.split(sep).join('/');
}

function layerOf(layers, root, file) {
  const path = toPosix(relative(root, file));
  if (path.startsWith('..') || isAbsolute(path)) return undefined;
  return layers.find((layer) => `${path}/`.startsWith(layer.folder));
}

function packageName(source) {
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function matchesPackage(pattern, name) {
  return pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function isNodeBuiltin(source) {
  return source.startsWith('node:') || nodeBuiltins.has(source.split('/')[0]);
}

function problemWith(layers, root, layer, file, source) {
  if (source.startsWith('.') || isAbsolute(source)) {
    const target = layerOf(layers, root, resolve(dirname(file), source));
    if (!target) return 'it reaches outside every layer';
    if (target === layer || layer.layers.includes(target.name)) return undefined;
    return `${target.name} is not a layer ${layer.name} may use`;
  }
  if (isNodeBuiltin(source)) return layer.nodeBuiltins ? undefined : 'Node built-ins are not available there';
  const name = packageName(source);
  if ((layer.forbiddenPackages ?? []).some((pattern) => matchesPackage(pattern, name))) return `${name} is forbidden there`;
  if (layer.packages.includes('*') || layer.packages.some((pattern) => matchesPackage(pattern, name))) return undefined;
  return `${name} is not on its list of packages`;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer to the imports shared/style.md allows it' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, layers: { type: 'array', items: layerSchema } },
        required: ['root', 'layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      forbidden: "'{{source}}' may not be imported by {{layer}} ({{why}}): {{rule}}",
    },
  },
  create(context) {
    const { root, layers } = context.options[0];
    const file = context.physicalFilename;
    const layer = layerOf(layers, root, file);
    if (!layer) return {};

    function check(node) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const why = problemWith(layers, root, layer, file, node.value);
      if (why) context.report({ node, messageId: 'forbidden', data: { source: node.value, layer: layer.name, why, rule: layer.rule } });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.argument?.literal),
      TSExternalModuleReference: (node) => check(node.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

// The project's layers and the arrows allowed between them (docs/architecture.md), as one lint rule.
// Each top-level folder is a layer. An import from layer A into layer B is allowed only when B is in
// A's list; relay/ may be reached from outside only through its public entries. Like VS Code's
// layering rules, this runs on every file in `npm run lint`, so an arrow that is not in the picture
// cannot creep in. Tests (*.test.ts/tsx) drive both sides of a boundary and are not checked here.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

/** Who may import whom. Keys and values are top-level folders. */
export const LAYERS = {
  shared: ['shared', 'specs'],
  specs: ['specs'],
  pki: ['pki', 'shared'],
  platform: ['platform', 'shared'],
  relay: ['relay', 'shared', 'pki', 'platform'],
  client: ['client', 'shared', 'pki', 'specs', 'platform', 'relay'],
  electron: ['electron', 'client', 'platform', 'shared'],
  renderer: ['renderer', 'shared'],
};

/** The relay's public entries: the only files of relay/ that other layers may import. */
export const RELAY_ENTRIES = ['relay/index', 'relay/dev'];

/**
 * The composition roots: the only client files that start a relay (the CLI's `relay` command, the app
 * launcher's embedded relay) or read the demo's development PKI (the demo offices).
 */
export const COMPOSITION_ROOTS = ['client/cli/', 'client/app/offices.ts'];

/** Packages that belong to one layer only. */
const PACKAGE_OWNERS = {
  electron: ['electron'],
  react: ['renderer'],
  'react-dom': ['renderer'],
  'better-sqlite3': ['relay'],
  pg: ['relay'],
  pdfkit: ['client'],
  pino: ['relay'],
  'prom-client': ['relay'],
};

/** Layers that run outside Node (the renderer in a sandboxed page, shared/ everywhere). */
const NO_NODE = ['shared', 'specs', 'renderer'];
const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function layerOf(cwd, file) {
  const rel = relative(cwd, file);
  if (rel.startsWith('..')) return null;
  const top = rel.split(sep)[0];
  return Object.prototype.hasOwnProperty.call(LAYERS, top) ? top : null;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layers in docs/architecture.md' },
    schema: [],
    messages: {
      arrow: "{{from}}/ may not import {{to}}/ (allowed: {{allowed}}). See docs/architecture.md.",
      notRoot: "Only the composition roots ({{roots}}) may reach relay/; {{file}} may not.",
      relayInternal: "Outside relay/, import the relay only through its public entries ({{entries}}), not {{target}}.",
      node: "{{from}}/ does not run in Node: no '{{pkg}}'.",
      package: "'{{pkg}}' belongs to {{owners}}/ only; {{from}}/ may not import it.",
    },
  },
  create(context) {
    const cwd = context.cwd;
    const file = context.filename;
    // Tests drive both sides of a boundary; build configs (vite.config.ts) run in Node at build time.
    if (/\.(test|config)\.tsx?$/.test(file)) return {};
    const from = layerOf(cwd, file);
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = layerOf(cwd, target);
        if (!to || to === from) return;
        if (!LAYERS[from].includes(to)) {
          context.report({ node, messageId: 'arrow', data: { from, to, allowed: LAYERS[from].join(', ') } });
          return;
        }
        if (to === 'relay') {
          const me = relative(cwd, file).split(sep).join('/');
          if (!COMPOSITION_ROOTS.some((r) => (r.endsWith('/') ? me.startsWith(r) : me === r))) {
            context.report({ node, messageId: 'notRoot', data: { roots: COMPOSITION_ROOTS.join(', '), file: me } });
            return;
          }
          const bare = relative(cwd, target).split(sep).join('/').replace(/\.(js|ts)$/, '');
          if (!RELAY_ENTRIES.includes(bare)) context.report({ node, messageId: 'relayInternal', data: { entries: RELAY_ENTRIES.map((e) => `${e}.ts`).join(', '), target: bare } });
        }
        return;
      }
      if (NO_NODE.includes(from) && NODE_BUILTINS.has(spec)) {
        context.report({ node, messageId: 'node', data: { from, pkg: spec } });
        return;
      }
      const owners = PACKAGE_OWNERS[packageName(spec)];
      if (owners && !owners.includes(from)) context.report({ node, messageId: 'package', data: { pkg: packageName(spec), owners: owners.join('/, '), from } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };

/**
 * Reading AWS query-protocol requests (IAM, STS: `Tags.member.1.Key`; EC2: `InstanceId.1`,
 * `Filter.1.Value.1`, `IamInstanceProfile.Name`) into the params objects the model takes, guided
 * by the service model's shapes. Parameters the model does not know are passed through under
 * their wire name, so the modelled service answers them as AWS does (UnknownParameter).
 */
import { type MemberRef, type ServiceModel, type Shape, shapeOf } from './shapes.ts';

/** A tree of the dotted keys: `a.b.1` becomes { a: { b: { '1': value } } }. */
interface Node {
  value?: string;
  children: Map<string, Node>;
}

function tree(form: URLSearchParams, skip: ReadonlySet<string>): Node {
  const root: Node = { children: new Map() };
  for (const [key, value] of form) {
    if (skip.has(key)) continue;
    let node = root;
    for (const part of key.split('.')) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    node.value = value;
  }
  return root;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The name a member has in a request (the query and EC2 protocols differ). */
function wireName(model: ServiceModel, name: string, ref: MemberRef): string {
  if (model.protocol === 'ec2') {
    return ref.queryName ?? (ref.locationName !== undefined ? capitalize(ref.locationName) : name);
  }
  return ref.locationName ?? name;
}

function indexed(node: Node): Node[] {
  return [...node.children.entries()]
    .filter(([k]) => /^\d+$/.test(k))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, n]) => n);
}

function decode(model: ServiceModel, shape: Shape, node: Node): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const child = node.children.get(wireName(model, name, ref));
        if (child !== undefined) out[name] = decode(model, shapeOf(model, ref.shape), child);
      }
      return out;
    }
    case 'list': {
      const member = shape.member!;
      const memberShape = shapeOf(model, member.shape);
      // An empty list travels as `Name=` (the SDKs send it so for IAM).
      if (node.children.size === 0) return [];
      const items =
        model.protocol === 'ec2' || shape.flattened
          ? indexed(node)
          : indexed(node.children.get(member.locationName ?? 'member') ?? { children: new Map() });
      return items.map((n) => decode(model, memberShape, n));
    }
    case 'integer':
    case 'long': {
      const v = node.value ?? '';
      return /^-?\d+$/.test(v) ? Number(v) : v;
    }
    case 'boolean':
      return node.value === 'true' ? true : node.value === 'false' ? false : node.value;
    default:
      return node.value ?? '';
  }
}

/** Rebuilds a value the model did not describe: a plain string, or an object of its parts. */
function raw(node: Node): unknown {
  if (node.children.size === 0) return node.value ?? '';
  return Object.fromEntries([...node.children].map(([k, n]) => [k, raw(n)]));
}

/**
 * The params object of a request to operation `inputShape` (undefined: the operation takes none).
 * `Action` and `Version` are the protocol's own and are not params.
 */
export function decodeParams(
  model: ServiceModel,
  inputShape: string | undefined,
  form: URLSearchParams,
): Record<string, unknown> {
  const root = tree(form, new Set(['Action', 'Version']));
  const out: Record<string, unknown> = {};
  const shape = inputShape === undefined ? undefined : shapeOf(model, inputShape);
  const known = new Set<string>();
  for (const [name, ref] of Object.entries(shape?.members ?? {})) {
    const wire = wireName(model, name, ref);
    known.add(wire);
    const child = root.children.get(wire);
    if (child !== undefined) out[name] = decode(model, shapeOf(model, ref.shape), child);
  }
  for (const [wire, node] of root.children) if (!known.has(wire)) out[wire] = raw(node);
  return out;
}

/**
 * Reads the Kubernetes manifests of deploy/kubernetes and renders a kustomization the way
 * `kubectl apply -k` does, for the subset of kustomize these manifests use (resources, namespace,
 * labels without selectors, images, strategic-merge patches of plain fields, JSON 6902 patches).
 * Anything else in a kustomization is refused, so a new feature gets a renderer (and a check)
 * before it is used. When kubectl is installed the test compares this with `kubectl kustomize`.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const KUBERNETES_DIR = join(ROOT, "deploy", "kubernetes");

const KNOWN_KUSTOMIZATION_FIELDS = new Set(["apiVersion", "kind", "namespace", "labels", "resources", "images", "patches"]);
const CLUSTER_SCOPED = new Set(["Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "RuntimeClass"]);

/** Every YAML document of a file, as plain objects; a syntax error or a warning throws, naming the file. */
export function readYamlDocuments(file) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"), { prettyErrors: true, strict: true });
  return documents
    .map((document) => {
      const problem = document.errors[0] ?? document.warnings[0];
      if (problem) throw new Error(`${file}: ${problem.message}`);
      return document.toJS({ maxAliasCount: -1 });
    })
    .filter((object) => object !== null);
}

/** The objects `kubectl kustomize <dir>` would print, in order. */
export function renderKustomization(dir) {
  const [kustomization] = readYamlDocuments(join(dir, "kustomization.yaml"));
  for (const field of Object.keys(kustomization)) {
    if (!KNOWN_KUSTOMIZATION_FIELDS.has(field)) throw new Error(`${dir}/kustomization.yaml: "${field}" is not supported by deploy/test/render.mjs`);
  }
  let objects = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocuments(path)));
  }
  for (const patch of kustomization.patches ?? []) objects = applyPatch(objects, dir, patch);
  for (const object of objects) {
    if (kustomization.namespace && !CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    for (const entry of kustomization.labels ?? []) {
      if (entry.includeSelectors || entry.includeTemplates) throw new Error("labels with includeSelectors/includeTemplates are not supported");
      object.metadata.labels = { ...object.metadata.labels, ...entry.pairs };
    }
    for (const image of kustomization.images ?? []) retagImages(object, image);
  }
  return objects;
}

function applyPatch(objects, dir, patch) {
  const documents = readYamlDocuments(join(dir, patch.path));
  if (patch.target) {
    const { kind, name } = patch.target;
    const matches = objects.filter((object) => object.kind === kind && object.metadata.name === name);
    if (matches.length !== 1) throw new Error(`patch ${patch.path}: target ${kind}/${name} matches ${matches.length} objects`);
    for (const operation of documents.flat()) applyJsonPatchOperation(matches[0], operation, patch.path);
    return objects;
  }
  for (const document of documents) {
    const target = objects.find((object) => object.kind === document.kind && object.metadata.name === document.metadata.name);
    if (!target) throw new Error(`patch ${patch.path}: no ${document.kind}/${document.metadata.name} to patch`);
    mergePlainFields(target, document, patch.path);
  }
  return objects;
}

/** A strategic merge patch limited to maps and scalars: merging lists needs kustomize's per-field keys. */
function mergePlainFields(target, patch, where) {
  for (const [key, value] of Object.entries(patch)) {
    if (Array.isArray(value)) throw new Error(`${where}: list field "${key}" in a merge patch is not supported; use a JSON 6902 patch`);
    if (value && typeof value === "object") mergePlainFields((target[key] ??= {}), value, where);
    else target[key] = value;
  }
}

function applyJsonPatchOperation(object, { op, path, value }, where) {
  const keys = path
    .split("/")
    .slice(1)
    .map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"));
  const last = keys.pop();
  let parent = object;
  for (const key of keys) {
    parent = parent?.[key];
    if (parent === undefined) throw new Error(`${where}: ${op} ${path}: no such path`);
  }
  const exists = Object.hasOwn(parent, last);
  if (op === "add") parent[last] = value;
  else if (op === "replace" && exists) parent[last] = value;
  else if (op === "remove" && exists) delete parent[last];
  else throw new Error(`${where}: ${op} ${path}: ${exists ? "unsupported operation" : "no such path"}`);
}

function retagImages(object, { name, newName, newTag }) {
  for (const container of podContainers(object)) {
    const [imageName, tag] = container.image.split(":");
    if (imageName === name) container.image = `${newName ?? imageName}${(newTag ?? tag) ? `:${newTag ?? tag}` : ""}`;
  }
}

/** The pod template of a Deployment or Job (undefined for other kinds). */
export function podSpec(object) {
  return object.kind === "Deployment" || object.kind === "Job" ? object.spec.template.spec : undefined;
}

export function podContainers(object) {
  const spec = podSpec(object);
  return spec ? [...(spec.initContainers ?? []), ...spec.containers] : [];
}

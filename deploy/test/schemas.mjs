/**
 * The Kubernetes (and KEDA) JSON schemas these manifests are checked against, from the
 * kubernetes-models packages (ajv validators compiled from the API's OpenAPI document, shipped in
 * the package, so the check runs offline). They check types, required fields and enums; they let
 * unknown fields through, which is why manifests.test.mjs also reads the fields that matter.
 */
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as batch from "kubernetes-models/batch/v1";
import * as core from "kubernetes-models/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as keda from "@kubernetes-models/keda/keda.sh/v1alpha1";

const MODELS = {
  "v1/Namespace": core.Namespace,
  "v1/ConfigMap": core.ConfigMap,
  "v1/Secret": core.Secret,
  "v1/Service": core.Service,
  "v1/PersistentVolumeClaim": core.PersistentVolumeClaim,
  "apps/v1/Deployment": apps.Deployment,
  "batch/v1/Job": batch.Job,
  "autoscaling/v2/HorizontalPodAutoscaler": autoscaling.HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": policy.PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": networking.NetworkPolicy,
  "keda.sh/v1alpha1/ScaledObject": keda.ScaledObject,
};

/** Throws, naming the object and the schema's complaint, unless the object is a known kind that fits its schema. */
export function validateAgainstSchema(object) {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`${object.apiVersion} ${object.kind} is not a kind these manifests are checked for (deploy/test/schemas.mjs)`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind}/${object.metadata?.name}: ${error.message}`);
  }
}

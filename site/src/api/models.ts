import type { AdminModel, UserModel } from '../../../functions/models/registry';
import type { AdminModelCreate, AdminModelPatch } from '../../../functions/models/schemas';
import { bearer, client, sendJson } from './client';

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { AdminModel, AdminModelCreate, AdminModelPatch, UserModel };

/** The enabled models, with where the caller's key would come from. */
export async function listModels(accessToken: string): Promise<UserModel[]> {
  return (await sendJson(() => client.api.models.$get(undefined, bearer(accessToken)))).items;
}

/** Every registry entry, disabled ones included (admin). */
export async function adminListModels(accessToken: string): Promise<AdminModel[]> {
  return (await sendJson(() => client.api.admin.models.$get(undefined, bearer(accessToken)))).items;
}

/** Adds a registry entry (admin). */
export async function adminCreateModel(
  accessToken: string,
  input: AdminModelCreate,
): Promise<AdminModel> {
  return await sendJson(() => client.api.admin.models.$post({ json: input }, bearer(accessToken)));
}

/** Changes a registry entry (admin). */
export async function adminUpdateModel(
  accessToken: string,
  id: string,
  patch: AdminModelPatch,
): Promise<AdminModel> {
  return await sendJson(() =>
    client.api.admin.models[':id'].$patch({ param: { id }, json: patch }, bearer(accessToken)),
  );
}

import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { pickProfilePatch, type ProfilePatch, type UserProfile } from '../../domain/user/user-profile';
import { AUDIT_LOGGER, type Logger } from '../../ports/logger.port';
import { USER_DIRECTORY, type UserDirectory } from '../../ports/user-directory.port';
import { ModelCatalogReader } from '../models/model-catalog-reader';
import { UserProfileCache } from './user-profile-cache';

/** Serialised size limit of `preferences`: a settings blob, not a storage service. */
export const MAX_PREFERENCES_BYTES = 16 * 1024;

/**
 * Changes the caller's editable profile fields. `default_model` must be a model of the catalogue
 * (null clears it). The cached profile is dropped after the write so the next read shows it, and
 * the change goes to the audit log (field names only, never values).
 */
@injectable()
export class UpdateProfile {
  constructor(
    @inject(USER_DIRECTORY) private readonly directory: UserDirectory,
    @inject(ModelCatalogReader) private readonly catalog: ModelCatalogReader,
    @inject(UserProfileCache) private readonly profiles: UserProfileCache,
    @inject(AUDIT_LOGGER) private readonly audit: Logger,
  ) {}

  async execute(user: UserContext, input: ProfilePatch): Promise<UserProfile> {
    const patch = pickProfilePatch(input);
    const fields: { path: string; message: string; location: 'body' }[] = [];
    if (patch.preferences !== undefined && Buffer.byteLength(JSON.stringify(patch.preferences)) > MAX_PREFERENCES_BYTES) {
      fields.push({ path: 'preferences', message: `must NOT be larger than ${MAX_PREFERENCES_BYTES} bytes as JSON`, location: 'body' });
    }
    if (typeof patch.default_model === 'string') {
      const { models } = await this.catalog.read();
      if (!models.some((m) => m.id === patch.default_model)) {
        fields.push({ path: 'default_model', message: 'is not a known model (see GET /v1/models)', location: 'body' });
      }
    }
    if (fields.length > 0) throw new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields } });

    const updated = await this.directory.updateProfile(user, patch);
    await this.profiles.invalidate(user.userId);
    this.audit.info(
      { event: 'profile_updated', user_id: user.userId, ip: user.clientIp, fields: Object.keys(patch), request_id: user.requestId },
      'profile updated',
    );
    return updated;
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { PublicUser } from '@streamhub/shared/api/auth';
import { User, type IUser } from './user.entity.ts';

/** Queries on `users`. */
export class UserRepository {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  findById(id: string): Promise<IUser | null> {
    return this.#em.findOne(User, { id });
  }

  /** With the (lazy) password hash loaded, for login. */
  findByEmailForLogin(email: string): Promise<IUser | null> {
    return this.#em.findOne(User, { email }, { populate: ['passwordHash'] });
  }

  async existsByEmail(email: string): Promise<boolean> {
    return (await this.#em.count(User, { email })) > 0;
  }

  async create(data: { email: string; passwordHash: string; displayName: string | null }): Promise<IUser> {
    const user = this.#em.create(User, data);
    await this.#em.flush();
    return user;
  }

  async updateProfile(user: IUser, patch: { displayName?: string | null }): Promise<IUser> {
    if (patch.displayName !== undefined) user.displayName = patch.displayName;
    await this.#em.flush();
    return user;
  }
}

export function toPublicUser(user: IUser): PublicUser {
  return { id: user.id, email: user.email, displayName: user.displayName ?? null, plan: user.plan, createdAt: user.createdAt.toISOString() };
}

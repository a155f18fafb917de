import { token } from './token';
export interface IdGenerator {
  /** A new random UUID (v4). */
  uuid(): string;
}

export const ID_GENERATOR = token<IdGenerator>('IdGenerator');

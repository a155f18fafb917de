import type { Page } from '../../domain/conversation/conversation';

/** The public shape of a list: items plus where they sit (docs/architecture.md, Lists). */
export interface Paginated<T> {
  items: T[];
  pagination: { page: number; limit: number; total: number; pages: number };
}

export function paginate<T>(page: Page<T>): Paginated<T> {
  return {
    items: page.items,
    pagination: { page: page.page, limit: page.limit, total: page.total, pages: page.limit > 0 ? Math.ceil(page.total / page.limit) : 0 },
  };
}

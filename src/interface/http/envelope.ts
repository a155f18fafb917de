import type { ErrorCode } from '../../domain/errors/error-codes';

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
}

export interface ErrorBody {
  message: string;
  code: ErrorCode;
  details?: Record<string, unknown>;
  request_id: string;
}

export interface ErrorEnvelope {
  success: false;
  error: ErrorBody;
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  pages: number;
}

export function successEnvelope<T>(data: T): SuccessEnvelope<T> {
  return { success: true, data };
}

export function errorEnvelope(error: ErrorBody): ErrorEnvelope {
  return { success: false, error };
}

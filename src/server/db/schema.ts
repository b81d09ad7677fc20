// Every table, for drizzle-kit and for typed queries. Each module owns its `*.table.ts`.
export * from '../modules/users/users.table.ts';
export * from '../modules/auth/auth.table.ts';
export * from '../modules/clients/clients.table.ts';
export * from '../modules/products/products.table.ts';
export * from '../modules/expert-sessions/expert-sessions.table.ts';
export * from '../modules/worklets/worklets.table.ts';
export * from '../modules/storage/storage.table.ts';
export * from '../modules/progress-insight/progress-insight.table.ts';
export * from '../modules/passwords/passwords.table.ts';
export * from '../modules/mail/mail.table.ts';
export * from '../modules/import/import.table.ts';

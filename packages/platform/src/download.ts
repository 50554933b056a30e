import { z } from 'zod';
import type { Api } from './api.js';

/** A sheet a route can give as a download, and its media type. */
export const SheetFormat = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
} as const;

/** The query of a downloadable sheet: its format and language. */
export const SheetDownloadQuery = z.strictObject({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  lang: z.enum(['fr', 'en']).default('fr'),
});

/**
 * Declares `GET <path>?format=xlsx|csv&lang=fr|en` answering a generated sheet (an import template, say) as a download
 * named `<file>-<lang>.<format>`: one route shape for every service that offers one.
 */
export function sheetDownloadRoute(
  api: Api,
  path: string,
  opts: { summary: string; description: string; scope: string; tag?: string; file: string },
  make: (format: 'xlsx' | 'csv', lang: 'fr' | 'en') => Promise<Buffer>,
) {
  api.get(
    path,
    {
      summary: opts.summary,
      description: opts.description,
      scope: opts.scope,
      query: SheetDownloadQuery,
      produces: [SheetFormat.xlsx, SheetFormat.csv],
      excludeErrors: [422],
      ...(opts.tag ? { tags: [opts.tag] } : {}),
    },
    async ({ query, res }) => {
      const body = await make(query.format, query.lang);
      res.type(query.format === 'xlsx' ? SheetFormat.xlsx : `${SheetFormat.csv}; charset=utf-8`);
      res.setHeader('content-disposition', `attachment; filename="${opts.file}-${query.lang}.${query.format}"`);
      res.send(body);
      return undefined;
    },
  );
}

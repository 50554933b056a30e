import { z } from 'zod';
import {
  Country,
  FrameworkDetails,
  FrameworkId,
  FrameworkNode,
  IndicatorCode,
  IndicatorDefinition,
  IsoDate,
  NodeCode,
  Period,
  ProgrammeCode,
} from '@passerelle/contracts';

export const Version = z.number().int().nonnegative();
const Reason = z.string().trim().min(1).max(1000);

export const CreateFrameworkBody = z.strictObject({
  programme: ProgrammeCode,
  country: Country,
  programmeStart: IsoDate,
  ...FrameworkDetails.shape,
  nodes: z.array(FrameworkNode).min(1).max(200),
});

export const DraftBody = z.strictObject({
  version: Version,
  programmeStart: IsoDate.optional(),
  ...FrameworkDetails.shape,
  nodes: z.array(FrameworkNode).min(1).max(200),
});

export const NodeBody = z.strictObject({ version: Version, ...FrameworkNode.omit({ code: true }).shape });
export const PublishBody = z.strictObject({ version: Version, note: z.string().trim().max(1000).optional() });

export const DefineIndicatorBody = z.strictObject({ version: Version, ...IndicatorDefinition.shape });
export const ReviseIndicatorBody = z.strictObject({
  version: Version,
  reason: Reason.optional(),
  ...IndicatorDefinition.omit({ code: true }).shape,
});
export const RetireBody = z.strictObject({ version: Version, reason: Reason });

export const BaselineBody = z.strictObject({
  version: Version,
  value: z.number().nonnegative().max(1e9),
  date: IsoDate,
  comment: z.string().trim().min(1).max(1000).optional(),
  reason: Reason.optional(),
});
export const TargetBody = z.strictObject({
  version: Version,
  value: z.number().nonnegative().max(1e9),
  reason: Reason.optional(),
});
export const ValueBody = z.strictObject({
  version: Version,
  period: Period,
  value: z.number().nonnegative().max(1e9),
  comment: z.string().trim().min(1).max(2000),
  evidenceUrl: z
    .url({ protocol: /^https?$/, error: 'evidence is an http(s) link' })
    .max(500)
    .optional(),
  date: IsoDate.optional(),
});

export const FrameworkParams = z.strictObject({ id: FrameworkId });
export const NodeParams = z.strictObject({ id: FrameworkId, code: NodeCode });
export const IndicatorParams = z.strictObject({ id: FrameworkId, code: IndicatorCode });
export const TargetParams = z.strictObject({ id: FrameworkId, code: IndicatorCode, period: Period });
export const PublishedParams = z.strictObject({ id: FrameworkId, n: z.coerce.number().int().positive() });
export const VersionQuery = z.strictObject({ version: z.coerce.number().int().nonnegative() });

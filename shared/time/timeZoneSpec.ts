import { z } from 'zod';
import { timeZoneOf } from './timeZoneOf';

/** An IANA time-zone name or a fixed offset, as configurations write it. */
export const timeZoneSpec = z
  .string()
  .refine(
    (s) => timeZoneOf(s) !== undefined,
    'expected an IANA time zone such as "Europe/Copenhagen" or "UTC", or a fixed offset such as "+01:00"',
  );

/** One service's published monthly availability (its SLA), in percent. */
export interface ServiceAvailability {
  service: string;
  slaPercent: number;
  /** Where the figure comes from. */
  source: string;
}

export interface CompositeAvailability {
  services: ServiceAvailability[];
  /** The product of the SLAs: the availability guaranteed when every service is needed at once. */
  compositePercent: number;
  /** (1 - composite) of the month. */
  downtimeMinutesPerMonth: number;
}

/**
 * The availability of a path that fails when any of its services fails, from their SLAs: the product of the
 * fractions, assuming independent failures. It is the guaranteed floor, not a measurement.
 */
export function compositeAvailability(services: ServiceAvailability[], hoursPerMonth = 730): CompositeAvailability {
  for (const s of services) {
    if (!(s.slaPercent >= 0 && s.slaPercent <= 100))
      throw new Error(`SLA of ${s.service} is ${s.slaPercent}; expected a percentage from 0 to 100`);
  }
  const fraction = services.reduce((p, s) => p * (s.slaPercent / 100), 1);
  return { services, compositePercent: fraction * 100, downtimeMinutesPerMonth: (1 - fraction) * hoursPerMonth * 60 };
}

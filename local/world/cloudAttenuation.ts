/**
 * Share of the clear-sky irradiance that reaches the ground under a cloud of the given opacity (0..1), after
 * Kasten and Czeplak (1980): 1 - 0.75·N^3.4 with N the cloud amount, so a full overcast still lets a quarter through.
 */
export function cloudAttenuation(opacity: number): number {
  return 1 - 0.75 * Math.pow(opacity, 3.4);
}

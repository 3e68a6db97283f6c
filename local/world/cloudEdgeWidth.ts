/** Width of the soft cloud edge, in units of the cloud noise's standard deviation. */
export const CLOUD_EDGE_WIDTH = 0.7;

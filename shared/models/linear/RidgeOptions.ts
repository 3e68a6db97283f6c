/** Hyper-parameters of ridge regression. */
export interface RidgeOptions {
  /**
   * L2 penalty on the coefficients of the standardised features, against the residual sum of squares
   * (scikit-learn's Ridge scale: it is not divided by the row count). The intercept is not penalised.
   */
  alpha: number;
}

export const DEFAULT_RIDGE_OPTIONS: RidgeOptions = {
  alpha: 1.0,
};

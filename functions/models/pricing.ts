/** A model's prices in micro-dollars per million tokens (the registry's columns). */
export interface TokenPrices {
  inputPriceMicros: number;
  outputPriceMicros: number;
}

/** Cost in micro-dollars, rounded up so a tiny call never costs zero on a paid model. */
export function costMicros(model: TokenPrices, inputTokens: number, outputTokens: number): number {
  return Math.ceil(
    (inputTokens * model.inputPriceMicros + outputTokens * model.outputPriceMicros) / 1_000_000,
  );
}

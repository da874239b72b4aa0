/** Figures from other parts of the product (console, OAuth), measured in the same benchmark run. */
export async function extraSections(_want: (s: string) => boolean): Promise<string[]> {
  return [];
}

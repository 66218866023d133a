/**
 * Events products reacts to, described in products' own terms (consumer-driven): products never
 * imports the orders module. apps/api subscribes products' handlers to orders' OrderPlaced, and
 * TypeScript checks there that orders' payload carries at least what is declared here.
 */
export interface OrderCommittedNotice {
  readonly orderId: string;
}

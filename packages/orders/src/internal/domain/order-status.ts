/**
 * Where an order is in its life. It is born `confirmed` (stock reserved, lines priced); from
 * there it may be `shipped` or `cancelled`, and either of those is final.
 */
export type OrderStatus = 'confirmed' | 'shipped' | 'cancelled';

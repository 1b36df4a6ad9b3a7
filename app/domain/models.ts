/** The shop's entities as the API exposes them (storage attributes stay in the repositories). */

export type Role = "customer" | "admin";

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
}

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number;
  readonly stock: number;
  readonly category: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type OrderStatus = "PLACED" | "CANCELLED";

export interface OrderLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly items: readonly OrderLine[];
  readonly totalCents: number;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly cancelledAt?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Who is calling: taken from a verified access token. */
export interface Principal {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
}

export interface WeeklyReport {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly orderCount: number;
  readonly cancelledCount: number;
  readonly unitsSold: number;
  readonly revenueCents: number;
  readonly topProducts: readonly {
    productId: string;
    name: string;
    quantity: number;
    revenueCents: number;
  }[];
  readonly generatedAt: string;
  readonly location: string;
}

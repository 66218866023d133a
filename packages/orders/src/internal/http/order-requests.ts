import { PageQuery } from '@orderly/kernel';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CUSTOMER_EMAIL } from '../domain/order-rules.js';

export class OrderItemRequest {
  @IsUUID()
  productId!: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;
}

export class PlaceOrderRequest {
  @IsEmail()
  // What the order's own rule accepts (isEmail also lets quoted local parts with spaces through).
  @Matches(CUSTOMER_EMAIL, { message: '$property must be an email address' })
  @MaxLength(254)
  customerEmail!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique((item: OrderItemRequest) => item?.productId, { message: 'items must not repeat a productId' })
  // ValidateNested alone lets an array inside the array through ([[]] validates nothing).
  @IsObject({ each: true, message: 'each item must be an object {productId, quantity}' })
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequest)
  items!: OrderItemRequest[];
}

/** GET /orders: one page (limit, cursor: the kernel's PageQuery), optionally one customer's. */
export class ListOrdersQuery extends PageQuery {
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  customerEmail?: string;
}

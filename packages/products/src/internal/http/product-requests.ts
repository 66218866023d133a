import { PageQuery } from '@orderly/kernel';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Request shapes, validated at the edge; the domain checks the same rules again as the truth. */

export class CreateProductRequest {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'sku must be 1-64 characters of letters, digits, "-" or "_"' })
  sku!: string;

  @IsString()
  @MaxLength(200)
  // PostgreSQL text cannot hold U+0000, and a lone surrogate would not read back as sent.
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'name must not contain control characters' })
  // Also what makes it at least one character long: one message for '' and for '   '.
  @Matches(/\S/, { message: 'name must contain a character other than white space' })
  name!: string;

  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  unitPrice!: number;

  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  stock!: number;
}

/** PATCH /products/:id: a new name, a new unit price, or both (at least one). */
export class EditProductRequest {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'name must not contain control characters' })
  @Matches(/\S/, { message: 'name must contain a character other than white space' })
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  unitPrice?: number;
}

export class RestockRequest {
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  quantity!: number;
}

/** GET /products: one page (limit, cursor: the kernel's PageQuery). */
export class ListProductsQuery extends PageQuery {}

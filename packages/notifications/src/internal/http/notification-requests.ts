import { IsUUID } from 'class-validator';

export class ListNotificationsQuery {
  @IsUUID()
  orderId!: string;
}

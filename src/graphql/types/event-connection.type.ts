import { Field, ObjectType } from 'type-graphql';
import { Event } from './event.type';
import { PageInfo } from './page-info.type';

@ObjectType()
export class EventEdge {
  @Field() cursor!: string;
  @Field(() => Event) node!: Event;
}

@ObjectType()
export class EventConnection {
  @Field(() => [EventEdge]) edges!: EventEdge[];
  @Field(() => [Event]) nodes!: Event[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

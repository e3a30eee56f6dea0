import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

@ObjectType()
export class StatsRow {
  @Field(() => [String], { nullable: 'items', description: 'One key per groupBy entry, in order; null where the record has no value.' })
  keys!: (string | null)[];
  @Field(() => DateTimeScalar, { nullable: true, description: 'Start of the time bucket, when an interval is given.' })
  bucket!: Date | null;
  @Field(() => Int) count!: number;
  @Field(() => Int) errorCount!: number;
  @Field(() => DateTimeScalar) firstSeen!: Date;
  @Field(() => DateTimeScalar) lastSeen!: Date;
  @Field(() => Int, { nullable: true, description: 'Distinct values of the countDistinct key in the group (null when not asked).' })
  distinctCount!: number | null;
}

@ObjectType()
export class EventStats {
  @Field(() => [StatsRow]) rows!: StatsRow[];
  @Field(() => Int, {
    description: 'Events matching the filter over all groups, not only the rows returned (over the groups kept, when minCount or firstSeenAfter is given).',
  })
  totalEvents!: number;
}

import { Field, InputType } from 'type-graphql';
import { IsDate } from 'class-validator';
import { DateTimeScalar } from '../scalars';
import { IsAfter } from './validators';

@InputType({ description: 'Half-open [from, to); from < to; the span is capped (maxRangeDays).' })
export class TimeRange {
  @Field(() => DateTimeScalar)
  @IsDate()
  from!: Date;

  @Field(() => DateTimeScalar)
  @IsDate()
  @IsAfter('from')
  to!: Date;
}

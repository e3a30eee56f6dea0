import { Field, InputType } from 'type-graphql';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DIMENSIONS, type Dimension as DimensionName } from '../../query/dimensions';
import { Dimension } from '../enums';
import { JSON_PATH } from './validators';

/** The pairing of dimension and path is checked by groupKeySpec (filter-spec.ts). */
@InputType({ description: 'A grouping key; path only (and always) for the three JSON dimensions.' })
export class GroupKey {
  @Field(() => Dimension)
  @IsIn(DIMENSIONS as unknown as string[])
  dimension!: DimensionName;

  @Field({ nullable: true, description: 'Dotted keys ([A-Za-z0-9_]+ segments) inside the JSON field.' })
  @IsOptional()
  @Matches(JSON_PATH, { message: 'path must be dotted keys of [A-Za-z0-9_]+ (at most 16)' })
  path?: string;
}

import { Field, InputType } from 'type-graphql';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ExactlyOneOf, JSON_PATH } from './validators';

@InputType({ description: 'A test on one key path inside a JSON field. Exactly one of equals / contains / exists.' })
export class JsonMatch {
  @Field({ description: 'Dotted keys, e.g. "roleArn" or "ipPermissions.items" ([A-Za-z0-9_]+ segments).' })
  @Matches(JSON_PATH, { message: 'path must be dotted keys of [A-Za-z0-9_]+ (at most 16)' })
  @ExactlyOneOf(['equals', 'contains', 'exists'])
  path!: string;

  @Field({ nullable: true, description: 'The value at the path, as text (scalars unquoted, objects and arrays as JSON text).' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  equals?: string;

  @Field({ nullable: true, description: "Substring of the JSON text of the value at the path." })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  contains?: string;

  @Field({ nullable: true, description: 'The path holds a non-null value (true) or not (false).' })
  @IsOptional()
  @IsBoolean()
  exists?: boolean;
}

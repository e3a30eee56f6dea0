import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What the gateway reads.' })
export class Lake {
  @Field({ description: '"duckdb" | "athena"' }) engine!: string;
  @Field({ description: 'Lake directory or database.table.' }) location!: string;
  @Field(() => String, { nullable: true, description: 'First delivery day present (YYYY-MM-DD).' }) firstDay!: string | null;
  @Field(() => String, { nullable: true, description: 'Last delivery day present (YYYY-MM-DD).' }) lastDay!: string | null;
  @Field(() => [String]) accounts!: string[];
  @Field(() => [String]) regions!: string[];
  @Field(() => Int, { nullable: true, description: 'Files seen (local lakes).' }) files!: number | null;
  @Field(() => Int, { description: 'Records that could not be parsed; reasons are in the log.' }) rejectedRecords!: number;
  @Field(() => Int, { description: 'Files that are not valid gzip JSON or hold no Records array.' }) rejectedFiles!: number;
}

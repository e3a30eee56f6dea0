import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { PageInfo } from './page-info.type';

@ObjectType({ description: 'A resource named in resources[] by the events of a query, summarised over them.' })
export class Resource {
  @Field({
    description:
      'resources[].ARN; for an entry without an ARN, its ARNPrefix (e.g. "arn:aws:s3:::bucket/" for objects a listing touched): such a prefix is a resource of its own.',
  })
  arn!: string;
  @Field(() => String, { nullable: true, description: 'resources[].type, e.g. AWS::S3::Object' }) type!: string | null;
  @Field(() => String, { nullable: true, description: 'resources[].accountId' }) accountId!: string | null;
  @Field(() => Int, { description: 'Events naming the resource (an event naming it twice counts once).' }) eventCount!: number;
  @Field(() => DateTimeScalar) firstSeen!: Date;
  @Field(() => DateTimeScalar) lastSeen!: Date;
}

@ObjectType()
export class ResourceEdge {
  @Field() cursor!: string;
  @Field(() => Resource) node!: Resource;
}

@ObjectType()
export class ResourceConnection {
  @Field(() => [ResourceEdge]) edges!: ResourceEdge[];
  @Field(() => [Resource]) nodes!: Resource[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

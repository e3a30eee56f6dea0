import { Field, Int, ObjectType } from 'type-graphql';
import type { IdentityTypeName } from '../../domain/identity-type';
import { IdentityType } from '../enums';
import { DateTimeScalar } from '../scalars';
import { PageInfo } from './page-info.type';

@ObjectType()
export class CountedValue {
  @Field(() => String, { nullable: true }) value!: string | null;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'An acting principal, summarised over the query that found it.' })
export class Identity {
  @Field({ description: 'userIdentity.arn; else invokedBy (AWS services), "account:<id>" (AWSAccount callers), principalId, or "unknown".' })
  arn!: string;
  @Field(() => IdentityType) type!: IdentityTypeName;
  @Field(() => String, { nullable: true }) accountId!: string | null;
  @Field(() => String, { nullable: true }) userName!: string | null;
  @Field(() => String, { nullable: true }) roleArn!: string | null;
  @Field(() => Int) eventCount!: number;
  @Field(() => Int) errorCount!: number;
  @Field(() => DateTimeScalar) firstSeen!: Date;
  @Field(() => DateTimeScalar) lastSeen!: Date;
}

@ObjectType()
export class IdentityEdge {
  @Field() cursor!: string;
  @Field(() => Identity) node!: Identity;
}

@ObjectType()
export class IdentityConnection {
  @Field(() => [IdentityEdge]) edges!: IdentityEdge[];
  @Field(() => [Identity]) nodes!: Identity[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

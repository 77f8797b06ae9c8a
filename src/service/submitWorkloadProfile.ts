import { profiles } from '../db/schema.js';
import type { WorkloadProfile } from '../market/types.js';
import type { ServiceContext } from './context.js';
import { predictionView } from './views.js';

/** Stores a workload declaration and answers with the current model's prediction for it (no history yet). */
export async function submitWorkloadProfile({
  ctx,
  clientId,
  input,
}: {
  ctx: ServiceContext;
  clientId: string;
  input: WorkloadProfile;
}) {
  const { predictor } = ctx.predictions.current();
  const [prediction] = predictor.predict([{ profile: input, history: [] }]);
  if (!prediction) throw new Error('predictor returned no prediction for one input');
  const profileId = ctx.newId('pr');
  await ctx.db.insert(profiles).values({ id: profileId, clientId, spec: input, prediction, createdAt: ctx.clock.now() });
  return { profileId, profile: input, prediction: predictionView(prediction) };
}

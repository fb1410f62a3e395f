-- The catalog of what Tessera generated, written by CatalogSinkConnector. Every statement is idempotent; the task
-- runs them all (split on ';' at line ends) when it first connects, if catalog.create.tables is true.
-- Times are timestamptz (NULL where the record carried 0, i.e. unknown).

-- One row per request (tessera.prompts), key request_id.
CREATE TABLE IF NOT EXISTS requests (
  request_id                text             NOT NULL PRIMARY KEY,
  tenant                    text             NOT NULL,
  task                      text             NOT NULL,
  prompt                    text             NOT NULL,
  conditioning_frames       integer          NOT NULL,
  conditioning_audio_chunks integer          NOT NULL,
  temperature               real             NOT NULL,
  top_k                     integer          NOT NULL,
  top_p                     real             NOT NULL,
  guidance_scale            real             NOT NULL,
  seed                      bigint           NOT NULL,
  frames                    integer          NOT NULL,
  samples                   integer          NOT NULL,
  deadline_at               timestamptz,
  created_at                timestamptz
);

-- One row per finished sample (tessera.generations), key (request_id, sample_index).
CREATE TABLE IF NOT EXISTS generations (
  request_id             text             NOT NULL,
  sample_index           integer          NOT NULL,
  samples                integer          NOT NULL,
  tenant                 text             NOT NULL,
  task                   text             NOT NULL,
  prompt                 text             NOT NULL,
  policy_version         bigint           NOT NULL,
  first_policy_version   bigint           NOT NULL,
  model_id               text             NOT NULL,
  finish_reason          text             NOT NULL,
  seed                   bigint           NOT NULL,
  prefix_token_count     integer          NOT NULL,
  token_count            integer          NOT NULL,
  mean_logprob           double precision,
  tokens                 integer[]        NOT NULL,
  queued_ms              bigint           NOT NULL,
  time_to_first_token_ms bigint           NOT NULL,
  total_ms               bigint           NOT NULL,
  completed_at           timestamptz,
  PRIMARY KEY (request_id, sample_index)
);
CREATE INDEX IF NOT EXISTS generations_policy_version ON generations (policy_version);

-- The score of each sample (tessera.rewards), key (request_id, sample_index): a newer score replaces the old one.
CREATE TABLE IF NOT EXISTS rewards (
  request_id     text             NOT NULL,
  sample_index   integer          NOT NULL,
  policy_version bigint           NOT NULL,
  total          double precision NOT NULL,
  components     jsonb            NOT NULL,
  scorer_version text             NOT NULL,
  scored_at      timestamptz,
  PRIMARY KEY (request_id, sample_index)
);

-- User judgements (tessera.feedback). One row per user, kind and judged sample (or pair of samples): a user who
-- judges the same thing again replaces their earlier judgement. preferred_sample and rejected_sample are -1 unless
-- kind = 'PREFERENCE'.
CREATE TABLE IF NOT EXISTS feedback (
  request_id       text        NOT NULL,
  user_name        text        NOT NULL,
  kind             text        NOT NULL,
  sample_index     integer     NOT NULL,
  preferred_sample integer     NOT NULL,
  rejected_sample  integer     NOT NULL,
  tenant           text        NOT NULL,
  rating           integer,
  created_at       timestamptz,
  PRIMARY KEY (request_id, user_name, kind, sample_index, preferred_sample, rejected_sample)
);

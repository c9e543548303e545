//! kyocho local edition

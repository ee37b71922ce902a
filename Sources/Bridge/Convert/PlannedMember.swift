import FHIRModel

/// A member a per-type rule has already decided about, handed to the general walk beside the resource's own members:
/// R5 values to convert into an R4 element of another name or shape (`associatedParty.party` -> `sponsor`), values
/// already in their R4 form (`DocumentReference.context`), or values R4 cannot hold, with why.
struct PlannedMember {
    enum Disposition {
        /// Convert each value, of R5 type `typeCode`, into the R4 element.
        case convert(typeCode: String)
        /// The values are already R4: placed as they are.
        case asR4
        /// R4 cannot hold them: carried or listed, with this reason.
        case lost(typeCode: String, reason: String)
    }

    var r4Name: String
    var values: [FHIRElement]
    /// Each value's place in the R5 resource, for diagnostics.
    var locations: [String]
    /// The R5 element path the values came from (names the cross-version extension when one carries them).
    var r5Path: String
    var disposition: Disposition
}

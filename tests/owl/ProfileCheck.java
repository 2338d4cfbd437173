import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.profiles.Profiles;

/** Prints, for each OWL 2 profile named on the command line, its name, the number of violations, and each one. */
public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntology ontology = OWLManager.createOWLOntologyManager().loadOntologyFromOntologyDocument(new File(args[0]));
        for (int i = 1; i < args.length; i++) {
            OWLProfileReport report = Profiles.valueOf(args[i]).checkOntology(ontology);
            System.out.println(args[i] + " " + report.getViolations().size());
            for (OWLProfileViolation violation : report.getViolations()) {
                System.out.println("  " + violation.toString().replace("\n", " "));
            }
        }
    }
}
